"""Names for people of the standard vocabulary terms the data uses (RDF, RDFS, OWL, SKOS, Dublin Core,
schema.org, ORG, vCard, LOCN, PROV …), in German and English.

Pages show these instead of a term's local name ("type", "topConceptOf"), which is a word of the
data model, not of the page's language. Terms of the migrakg ontology carry their own labels in
the store and are not listed here.

>>> standard_label("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "de")
'Art'
>>> standard_label("http://www.w3.org/2004/02/skos/core#topConceptOf", "en")
'top concept of'
>>> standard_label("https://example.org/unknown", "de") is None
True
"""

from __future__ import annotations

from .namespaces import PREFIXES

_LABELS: dict[str, tuple[str, str]] = {
    "rdf:type": ("Art", "type"),
    "rdfs:label": ("Bezeichnung", "label"),
    "rdfs:comment": ("Anmerkung", "comment"),
    "rdfs:domain": ("Gilt für", "applies to"),
    "rdfs:range": ("Wertebereich", "values"),
    "rdfs:isDefinedBy": ("Festgelegt in", "defined in"),
    "rdfs:seeAlso": ("Siehe auch", "see also"),
    "rdfs:subClassOf": ("Unterklasse von", "subclass of"),
    "rdfs:subPropertyOf": ("Untereigenschaft von", "subproperty of"),
    "owl:Class": ("Klasse", "class"),
    "owl:ObjectProperty": ("Beziehung", "relation"),
    "owl:DatatypeProperty": ("Eigenschaft", "property"),
    "owl:Ontology": ("Ontologie", "ontology"),
    "owl:versionInfo": ("Version", "version"),
    "skos:prefLabel": ("Bezeichnung", "label"),
    "skos:altLabel": ("Andere Bezeichnung", "other label"),
    "skos:notation": ("Code", "code"),
    "skos:definition": ("Erläuterung", "definition"),
    "skos:inScheme": ("Gehört zu", "belongs to"),
    "skos:topConceptOf": ("Oberbegriff in", "top concept of"),
    "skos:hasTopConcept": ("Oberbegriffe", "top concepts"),
    "skos:exactMatch": ("Entspricht", "same as"),
    "skos:Concept": ("Begriff", "concept"),
    "skos:ConceptScheme": ("Begriffsschema", "concept scheme"),
    "dcterms:title": ("Titel", "title"),
    "dcterms:description": ("Beschreibung", "description"),
    "dcterms:language": ("Sprache", "language"),
    "dcterms:license": ("Lizenz", "licence"),
    "dcterms:source": ("Quelle", "source"),
    "schema:name": ("Name", "name"),
    "schema:url": ("Website", "website"),
    "schema:areaServed": ("Aktiv in", "active in"),
    "schema:audience": ("Zielgruppe", "target group"),
    "schema:contactPoint": ("Kontakt", "contact"),
    "schema:containedInPlace": ("Liegt in", "located in"),
    "schema:startDate": ("Beginn", "start"),
    "schema:endDate": ("Ende", "end"),
    "schema:foundingDate": ("Gegründet", "founded"),
    "schema:fundedItem": ("Gefördert", "funded"),
    "schema:funder": ("Fördernde Stelle", "funder"),
    "schema:location": ("Ort", "place"),
    "schema:availableChannel": ("Findet statt", "takes place"),
    "schema:serviceLocation": ("Ort", "place"),
    "schema:ServiceChannel": ("Ort des Angebots", "place of the offer"),
    "schema:provider": ("Anbieter", "provider"),
    "schema:amount": ("Betrag", "amount"),
    "schema:currency": ("Währung", "currency"),
    "schema:AdministrativeArea": ("Verwaltungsgebiet", "administrative area"),
    "schema:Audience": ("Zielgruppe", "target group"),
    "schema:City": ("Stadt", "city"),
    "schema:GovernmentOrganization": ("Behörde", "government organisation"),
    "schema:MonetaryGrant": ("Förderung", "grant"),
    "schema:NGO": ("Nichtregierungsorganisation", "non-governmental organisation"),
    "schema:Organization": ("Organisation", "organisation"),
    "schema:Place": ("Ort", "place"),
    "schema:Project": ("Projekt", "project"),
    "schema:Service": ("Angebot", "service"),
    "org:member": ("Mitglied", "member"),
    "org:memberOf": ("Mitglied in", "member of"),
    "org:hasMember": ("Hat Mitglied", "has member"),
    "org:organization": ("Netzwerk oder Organisation", "network or organisation"),
    "org:role": ("Rolle", "role"),
    "org:hasSite": ("Standort", "site"),
    "org:siteOf": ("Standort von", "site of"),
    "org:hasUnit": ("Untereinheit", "unit"),
    "org:unitOf": ("Teil von", "unit of"),
    "org:Organization": ("Organisation", "organisation"),
    "org:FormalOrganization": ("Verfasste Organisation", "formal organisation"),
    "org:Membership": ("Mitgliedschaft", "membership"),
    "org:Role": ("Rolle", "role"),
    "org:Site": ("Standort", "site"),
    "vcard:fn": ("Name", "name"),
    "vcard:hasEmail": ("E-Mail", "email"),
    "vcard:hasTelephone": ("Telefon", "phone"),
    "vcard:hasURL": ("Website", "website"),
    "vcard:Organization": ("Organisation", "organisation"),
    "locn:address": ("Anschrift", "address"),
    "locn:fullAddress": ("Anschrift", "address"),
    "locn:thoroughfare": ("Straße", "street"),
    "locn:locatorDesignator": ("Hausnummer", "house number"),
    "locn:postCode": ("Postleitzahl", "postcode"),
    "locn:postName": ("Ort", "town"),
    "locn:geometry": ("Lage", "location"),
    "locn:Address": ("Anschrift", "address"),
    "legal:companyType": ("Rechtsform", "legal form"),
    "legal:LegalEntity": ("Rechtsträger", "legal entity"),
    "prov:wasDerivedFrom": ("Abgeleitet von", "derived from"),
    "prov:Activity": ("Tätigkeit", "activity"),
    "prov:Association": ("Beteiligung", "association"),
    "prov:Entity": ("Gegenstand", "entity"),
    "vann:preferredNamespacePrefix": ("Präfix", "prefix"),
    "vann:preferredNamespaceUri": ("Namensraum", "namespace"),
}

_VANN = "http://purl.org/vocab/vann/"


def _expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return (_VANN if prefix == "vann" else PREFIXES[prefix]) + local


STANDARD_LABELS: dict[str, tuple[str, str]] = {_expand(c): names for c, names in _LABELS.items()}


def standard_label(iri: str, lang: str) -> str | None:
    """The German or English name of a standard vocabulary term, or None if it has none here."""
    names = STANDARD_LABELS.get(iri)
    if names is None:
        return None
    return names[0] if lang == "de" else names[1]


# record kinds as people count them: (German singular, plural), (English singular, plural)
KIND_NAMES: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "organisation": (("Organisation", "Organisationen"), ("organisation", "organisations")),
    "network": (("Netzwerk", "Netzwerke"), ("network", "networks")),
    "membership": (("Mitgliedschaft", "Mitgliedschaften"), ("membership", "memberships")),
    "project": (("Projekt", "Projekte"), ("project", "projects")),
    "carrier-role": (("Trägerschaft", "Trägerschaften"), ("carrier role", "carrier roles")),
    "funding": (("Förderung", "Förderungen"), ("grant", "grants")),
    "offer": (("Angebot", "Angebote"), ("offer", "offers")),
    "place": (("Ort", "Orte"), ("place", "places")),
    "district": (("Bezirk", "Bezirke"), ("district", "districts")),
    "person-role": (("Kontaktrolle", "Kontaktrollen"), ("contact role", "contact roles")),
}


def count_of(n: int, kind: str, lang: str) -> str:
    """'52 Organisationen', '1 network' — a count with the kind's singular or plural in *lang*.

    >>> count_of(45, "membership", "de"), count_of(1, "network", "en"), count_of(2, "thing", "en")
    ('45 Mitgliedschaften', '1 network', '2 thing')
    """
    names = KIND_NAMES.get(kind)
    if names is None:
        return f"{n} {kind}"
    singular, plural = names[0] if lang == "de" else names[1]
    return f"{n} {singular if n == 1 else plural}"
