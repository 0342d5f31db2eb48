"""Django's makemessages without msgmerge's fuzzy matching.

A fuzzy guess borrows the translation of a similar msgid ("Employment" →
工作单位 from "Employer"); it is never right, and a catalogue full of them
hides which texts still need a translator.
"""
from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
