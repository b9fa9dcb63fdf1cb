"""A case's documentation as files for the school's archive (Vigilo/Websak) and for innsyn."""
