"""The one list of named migrations that every schema module adds to, in order."""

from sqlite_utils.migrations import Migrations

migrations = Migrations("qms")
