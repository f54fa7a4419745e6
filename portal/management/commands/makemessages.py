"""makemessages without fuzzy matching.

A fuzzy guess ("Forgotten password?" → the translation of "Change password") is wrong more
often than right; new strings stay empty so the translation test names them.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
