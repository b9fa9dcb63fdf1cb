"""The case as a Noark arkivmelding for the school's archive (ACOS WebSak), and its delivery.

`build` makes the messages and the documentation pack from a case (pure, but it loads fpdf and
xmlschema: import it where a package is made, not at start-up); `mottak` sends a message to
Mottak WebApi and `local` writes it to a folder for manual import. `message`, `outcome` and
`settings` are light and import nothing heavy.
"""
