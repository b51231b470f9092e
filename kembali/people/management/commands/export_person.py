"""`kembali export_person NRIC --format json|pdf --out FILE`: the subject-access
export of one person, for a written request handled outside the web pages.

Recorded in the access log like an export from the web page (by --as, a national
administrator or supervisor, when given; by "the system" otherwise)."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from kembali.accounts.models import User
from kembali.people.pdpa import may_export, person_by_ref, person_export, person_export_pdf


class Command(BaseCommand):
    help = "Export everything held about one person (PDPA subject access) as JSON or PDF."

    def add_arguments(self, parser):
        parser.add_argument("person", help="the person's NRIC (12 digits) or id")
        parser.add_argument("--format", choices=["json", "pdf"], default="json")
        parser.add_argument(
            "--out", required=True, help="the file to write ('-' for stdout, JSON only)"
        )
        parser.add_argument(
            "--as", dest="username", help="the user making the export, for the record"
        )

    def handle(self, *args, **options):
        person = person_by_ref(options["person"])
        if person is None:
            raise CommandError("No person with that NRIC or id.")
        actor = None
        if options["username"]:
            actor = User.objects.filter(username=options["username"]).first()
            if actor is None:
                raise CommandError(f"No user {options['username']!r}.")
            if not may_export(actor, person):
                raise CommandError(
                    f"{actor.username} may not export this person's data: only national "
                    "administrators and supervisors of an office where the person has a case."
                )
        export = person_export(actor=actor, person=person)
        out = options["out"]
        if options["format"] == "pdf":
            if out == "-":
                raise CommandError("Write a PDF to a file: give --out FILE.")
            with open(out, "wb") as f:
                f.write(person_export_pdf(export))
        else:
            content = json.dumps(
                export.as_json(), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
            )
            if out == "-":
                self.stdout.write(content)
                return
            with open(out, "w", encoding="utf-8") as f:
                f.write(content)
        if options["verbosity"]:
            self.stderr.write(f"Exported person {person.pk} to {out}; the export is recorded.")
