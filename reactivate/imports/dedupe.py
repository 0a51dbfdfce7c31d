"""Who is the same person: by email or phone (transitively) and CRM id, then names for review.

Exact matches decide; similar names only raise a flag for a person to look at, because two
patients called Maria Garcia are common and merging them would be wrong.
"""

from __future__ import annotations

import polars as pl
from rapidfuzz import fuzz, process

from reactivate.imports.reading import ROW
from reactivate.imports.vocab import canonical_first_name, squeeze

NAME_SIMILARITY = 90  # token-sort ratio on canonical names; 100 = same after nicknames
MAX_BLOCK = 25  # larger blocks of one common name carry too little signal to flag
JUNK_PEOPLE = 3  # a number or address shared by this many different people is a placeholder


def assign(
    rows: pl.DataFrame,
    contacts: pl.DataFrame,
    existing: pl.DataFrame,
    existing_contacts: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Columns _row, component, lead_id (existing target or null), outcome, flag; and the
    pairs a person should review: _row, other_row or other_lead, reason.

    ``rows``: _row, external_id, first_name, last_name (accepted rows only).
    ``existing``: lead_id, external_id, first_name, last_name of the practice's leads.
    ``existing_contacts``: lead_id, key ("email:…" / "phone:…").
    """
    contact_keys = contacts.select(ROW, (pl.col("kind") + ":" + pl.col("value")).alias("key"))
    contact_keys, existing_contacts, shared_flags, shared_pairs = _shared_values(
        rows, contact_keys, existing, existing_contacts
    )
    keys = pl.concat(
        [
            contact_keys,
            rows.filter(pl.col("external_id").is_not_null()).select(
                ROW, ("id:" + pl.col("external_id")).alias("key")
            ),
        ]
    )
    component = _components(rows.select(ROW), keys)

    ext = existing.filter(pl.col("external_id").is_not_null()).select(
        ("id:" + pl.col("external_id")).alias("key"), pl.col("lead_id"), pl.lit(0).alias("rank")
    )
    by_contact = existing_contacts.select("key", "lead_id", pl.lit(1).alias("rank"))
    matches = (
        keys.join(component, on=ROW)
        .join(pl.concat([ext, by_contact]), on="key")
        .select("component", "lead_id", "rank")
        .unique()
    )
    # External id first, then the oldest matching lead; the rest are named for review.
    targets = (
        matches.sort("component", "rank", "lead_id")
        .group_by("component")
        .agg(pl.col("lead_id").first().alias("target"))
    )
    also = matches.join(targets, on="component").filter(pl.col("lead_id") != pl.col("target"))
    also_pairs = also.select(
        pl.col("component").cast(pl.UInt32).alias(ROW),
        pl.lit(None, pl.UInt32).alias("other_row"),
        pl.col("lead_id").cast(pl.Int64).alias("other_lead"),
        pl.lit("the same email, phone or CRM id matched both leads").alias("reason"),
    )
    others = also.group_by("component").agg(
        pl.col("lead_id").unique().sort().cast(pl.Utf8).str.join(", lead ").alias("others")
    )
    result = (
        component.join(targets, on="component", how="left")
        .join(others, on="component", how="left")
        .with_columns((pl.col(ROW) == pl.col(ROW).min().over("component")).alias("primary"))
    )
    result = result.with_columns(
        pl.when(~pl.col("primary"))
        .then(pl.lit("merged"))
        .when(pl.col("target").is_not_null())
        .then(pl.lit("updated"))
        .otherwise(pl.lit("created"))
        .alias("outcome"),
        pl.when(pl.col("others").is_not_null())
        .then(pl.lit("also matches lead ") + pl.col("others"))
        .alias("flag"),
    )
    fuzzy, name_pairs = _similar_names(rows, result, existing)
    result = (
        result.join(fuzzy, on=ROW, how="left")
        .join(shared_flags, on=ROW, how="left")
        .with_columns(
            pl.concat_str(
                ["shared_flag", pl.coalesce("flag", "name_flag")], separator="; ", ignore_nulls=True
            )
            .replace("", None)
            .alias("flag")
        )
    )
    pairs = pl.concat([also_pairs, name_pairs, shared_pairs])
    return result.select(
        ROW, "component", pl.col("target").alias("lead_id"), "outcome", "flag"
    ).sort(ROW), pairs


PAIR_SCHEMA = {ROW: pl.UInt32, "other_row": pl.UInt32, "other_lead": pl.Int64, "reason": pl.Utf8}


def _identity(
    first: pl.Expr, last: pl.Expr, canonical: dict[str, str], folded: dict[str, str]
) -> pl.Expr:
    """Who a name says the person is: nicknames folded, "" parts dropped; null without a name."""
    return pl.concat_str(
        [
            first.replace_strict(canonical, default=None, return_dtype=pl.Utf8).fill_null(""),
            last.replace_strict(folded, default=None, return_dtype=pl.Utf8).fill_null(""),
        ],
        separator="|",
    ).replace("|", None)


def _shared_values(
    rows: pl.DataFrame,
    keys: pl.DataFrame,
    existing: pl.DataFrame,
    existing_contacts: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """An email or phone held by people whose names disagree (a household's landline, an
    office number, a placeholder like 000-0000) is no proof they are one person: such a key
    only joins rows and leads of the same name, never different people through it. Returns
    the keys of the rows and of the stored leads, so qualified, a flag per row, and the pairs
    of people sharing a household value (a placeholder shared by many is not a lead to merge)."""
    names = pl.concat([rows.get_column("first_name"), existing.get_column("first_name")])
    canonical = {v: canonical_first_name(v) for v in names.drop_nulls().unique().to_list()}
    lasts = pl.concat([rows.get_column("last_name"), existing.get_column("last_name")])
    folded = {v: squeeze(v) for v in lasts.drop_nulls().unique().to_list()}
    who = _identity(pl.col("first_name"), pl.col("last_name"), canonical, folded).alias("who")
    mine = keys.join(rows.select(ROW, who), on=ROW)
    theirs = existing_contacts.join(existing.select("lead_id", who), on="lead_id")
    candidates = (
        pl.concat([mine.select("key", "who"), theirs.select("key", "who")])
        .drop_nulls("who")
        .unique()
        .filter(pl.len().over("key") > 1)
    )
    clusters = _people(candidates)
    if clusters.is_empty():
        empty = pl.DataFrame(schema={ROW: pl.UInt32, "shared_flag": pl.Utf8})
        return keys, existing_contacts, empty, pl.DataFrame(schema=PAIR_SCHEMA)
    people = clusters.group_by("key").agg(pl.col("person").n_unique().alias("people"))
    mine = mine.join(clusters, on=["key", "who"], how="left")
    theirs = theirs.join(clusters, on=["key", "who"], how="left")

    def qualified(frame: pl.DataFrame, ident: str) -> pl.DataFrame:
        joined = frame.join(people, on="key", how="left")
        return (
            joined.filter(pl.col("people").is_null() | pl.col("who").is_not_null())
            .with_columns(
                pl.when(pl.col("people").is_not_null())
                .then(pl.col("key") + "#" + pl.col("who"))
                .otherwise(pl.col("key"))
                .alias("key")
            )
            .select(ident, "key")
        )

    flags = (
        mine.join(people, on="key")
        .with_columns(
            (
                pl.col("key").str.replace(":", " ")
                + pl.lit(" is shared by ")
                + pl.col("people").cast(pl.Utf8)
                + pl.when(pl.col("people") >= JUNK_PEOPLE)
                .then(pl.lit(" different people (a placeholder?)"))
                .otherwise(pl.lit(" people (a household or office?)"))
                + pl.lit(": not used to merge them")
            ).alias("shared_flag")
        )
        .group_by(ROW)
        .agg(pl.col("shared_flag").sort().str.join("; "))
    )
    return (
        qualified(mine, ROW),
        qualified(theirs, "lead_id"),
        flags,
        _household_pairs(mine, theirs, people),
    )


def _household_pairs(mine: pl.DataFrame, theirs: pl.DataFrame, people: pl.DataFrame):
    """Each row against every other person on a value two people share (not a placeholder)."""
    household = people.filter(pl.col("people") < JUNK_PEOPLE).select("key")
    rows = mine.drop_nulls("person").join(household, on="key").select(ROW, "key", "person")
    reason = pl.col("key").str.replace(":", " ") + pl.lit(" is shared: a household, or one person?")
    with_rows = (
        rows.join(rows.rename({ROW: "other_row", "person": "other_person"}), on="key")
        .filter((pl.col("person") != pl.col("other_person")) & (pl.col(ROW) < pl.col("other_row")))
        .select(
            ROW, "other_row", pl.lit(None, pl.Int64).alias("other_lead"), reason.alias("reason")
        )
    )
    with_leads = (
        rows.join(theirs.drop_nulls("person").rename({"person": "other_person"}), on="key")
        .filter(pl.col("person") != pl.col("other_person"))
        .select(
            ROW,
            pl.lit(None, pl.UInt32).alias("other_row"),
            pl.col("lead_id").cast(pl.Int64).alias("other_lead"),
            reason.alias("reason"),
        )
    )
    return pl.concat([with_rows.cast(PAIR_SCHEMA), with_leads.cast(PAIR_SCHEMA)])


def _people(candidates: pl.DataFrame) -> pl.DataFrame:
    """key, who, person: the names on each key grouped into people (compatible names are one
    person: "M. Lopez", "Maria Lopez" and "Maria Lopez-Diaz"); only keys of two or more."""
    out: list[tuple[str, str, str]] = []
    for (key,), group in candidates.group_by("key"):
        reps: list[str] = []
        for who in sorted(group.get_column("who").to_list(), key=len, reverse=True):
            rep = next((r for r in reps if _same_person(r, who)), None)
            if rep is None:
                reps.append(who)
                rep = who
            out.append((key, who, rep))
        if len(reps) == 1:
            out = [row for row in out if row[0] != key]
    return pl.DataFrame(
        out, schema={"key": pl.Utf8, "who": pl.Utf8, "person": pl.Utf8}, orient="row"
    )


def _same_person(a: str, b: str) -> bool:
    first_a, _, last_a = a.partition("|")
    first_b, _, last_b = b.partition("|")
    lasts = not last_a or not last_b or last_a in last_b or last_b in last_a
    firsts = (
        not first_a or not first_b or first_a == first_b
        or (min(len(first_a), len(first_b)) == 1 and first_a[0] == first_b[0])
    )  # fmt: skip
    return lasts and firsts


def _components(rows: pl.DataFrame, keys: pl.DataFrame) -> pl.DataFrame:
    """Connected components of rows sharing any key, labelled by their smallest row number.

    Only keys held by two or more rows can join anything, so label propagation runs on those
    few edges; every other row is its own component.
    """
    labels = rows.select(ROW, pl.col(ROW).alias("component"))
    edges = keys.unique().filter(pl.len().over("key") > 1)
    if edges.is_empty():
        return labels
    linked = edges.select(ROW).unique().with_columns(pl.col(ROW).alias("component"))
    while True:
        per_key = edges.join(linked, on=ROW).group_by("key").agg(pl.col("component").min())
        per_row = (
            edges.join(per_key, on="key")
            .group_by(ROW)
            .agg(pl.col("component").min().alias("via_key"))
        )
        updated = linked.join(per_row, on=ROW, how="left").select(
            ROW, pl.min_horizontal("component", "via_key").alias("component")
        )
        if updated.join(linked, on=[ROW, "component"], how="anti").is_empty():
            break
        linked = updated
    return labels.join(updated, on=ROW, how="left", suffix="_linked").select(
        ROW, pl.coalesce("component_linked", "component").alias("component")
    )


def _similar_names(
    rows: pl.DataFrame, result: pl.DataFrame, existing: pl.DataFrame
) -> pl.DataFrame:
    """Flag a primary row whose name closely matches another person's within its block."""
    people = rows.join(result.filter("primary").select(ROW, "target"), on=ROW).select(
        pl.col(ROW).cast(pl.Int64).alias("row"),
        pl.col("target").alias("lead_id"),
        "first_name",
        "last_name",
    )
    known = existing.select(
        pl.lit(None, pl.Int64).alias("row"), "lead_id", "first_name", "last_name"
    ).filter(~pl.col("lead_id").is_in(people.get_column("lead_id").drop_nulls().implode()))
    everyone = pl.concat([people, known]).filter(
        pl.col("first_name").is_not_null() & pl.col("last_name").is_not_null()
    )
    if everyone.height < 2:
        return pl.DataFrame(schema={ROW: pl.UInt32, "name_flag": pl.Utf8}), pl.DataFrame(
            schema=PAIR_SCHEMA
        )
    canonical = {
        v: canonical_first_name(v) for v in everyone.get_column("first_name").unique().to_list()
    }
    everyone = everyone.with_columns(
        pl.col("first_name").replace_strict(canonical, return_dtype=pl.Utf8).alias("first_key"),
        pl.col("last_name")
        .replace_strict(
            {v: squeeze(v) for v in everyone.get_column("last_name").unique().to_list()},
            return_dtype=pl.Utf8,
        )
        .alias("last_key"),
    ).with_columns(
        (pl.col("last_key").str.slice(0, 3) + "|" + pl.col("first_key").str.slice(0, 1)).alias(
            "block"
        ),
        (pl.col("first_key") + " " + pl.col("last_key")).alias("name"),
    )
    sizes = everyone.group_by("block").len()
    blocks = everyone.join(
        sizes.filter((pl.col("len") >= 2) & (pl.col("len") <= MAX_BLOCK)), on="block"
    ).filter(pl.col("block").str.len_chars() > 2)
    flags: dict[int, str] = {}
    pairs: list[tuple] = []
    for _, group in blocks.group_by("block"):
        members = group.sort(pl.col("row").fill_null(0)).to_dicts()
        names = [m["name"] for m in members]
        for index, member in enumerate(members):
            if member["row"] is None:
                continue
            scores = process.extract(
                member["name"],
                names[:index],
                scorer=fuzz.token_sort_ratio,
                score_cutoff=NAME_SIMILARITY,
                limit=1,
            )
            if scores:
                other = members[scores[0][2]]
                who = f"lead {other['lead_id']}" if other["row"] is None else f"row {other['row']}"
                shown = f"{other['first_name']} {other['last_name']}"
                flags[member["row"]] = f"possible duplicate of {who} ({shown}): similar name"
                pairs.append(
                    (
                        member["row"],
                        other["row"],
                        other["lead_id"] if other["row"] is None else None,
                    )
                )
    flagged = pl.DataFrame(
        {ROW: list(flags), "name_flag": list(flags.values())},
        schema={ROW: pl.UInt32, "name_flag": pl.Utf8},
    )
    named = pl.DataFrame(
        pairs, schema={ROW: pl.UInt32, "other_row": pl.UInt32, "other_lead": pl.Int64}, orient="row"
    ).with_columns(pl.lit("similar names").alias("reason"))
    return flagged, named
