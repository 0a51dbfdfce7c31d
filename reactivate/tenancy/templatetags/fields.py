"""Pick a form's fields by name in a template: settings are grouped the way people think."""

from django import template

register = template.Library()


@register.filter
def fields_named(form, names: str):
    return [form[name] for name in names.split(",") if name in form.fields]
