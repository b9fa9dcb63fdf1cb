"""A case's documentation as files for the school's archive (Vigilo/Websak) and for innsyn.

`pdf` is the full case document (and its redacted copy), `documents` the archive's documents
one by one; both are drawn from `sections` with the primitives in `layout`, in the fonts of
`fonts` (PDF/A-2b, embedded). Importing `pdf`, `documents`, `layout` or `sections` loads fpdf:
callers import them on the first export, not at start-up.
"""
