"""`reactivate worker`: run the background task consumer (huey) with its periodic scheduler."""

from huey.contrib.djhuey.management.commands.run_huey import Command as RunHuey


class Command(RunHuey):
    help = "Run the background worker: queued tasks and the periodic scheduler."
