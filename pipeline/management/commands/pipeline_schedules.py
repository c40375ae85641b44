"""`manage.py pipeline_schedules`: create/update the django-q2 refresh and reaper schedules."""

from django.core.management.base import BaseCommand

from pipeline.schedules import schedules_sync


class Command(BaseCommand):
    help = "Create or update the periodic source refreshes and the stale-run reaper (idempotent)."

    def handle(self, *args, **options) -> None:
        for name in schedules_sync():
            self.stdout.write(f"schedule ok: {name}")
