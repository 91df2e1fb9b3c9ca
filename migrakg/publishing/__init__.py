"""The parts of an open-data release (see migrakg/publish.py, which puts them together).

- source.py       the built dataset as read for a release (person filter, release date, lookups)
- dumps.py        Turtle, N-Triples (gzip), N-Quads (gzip) and JSON-LD dumps, byte-deterministic
- tables.py       flat CSV tables for spreadsheet users
- hsds.py         Open Referral HSDS 3.0 tabular data package, and a validator for it
- dcat.py         DCAT-AP.de 3.0 catalogue and VoID description
- datenregister.py  the Berlin Datenregister (CKAN) record and the push to a CKAN API
"""
