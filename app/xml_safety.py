"""Parsing XML that may come from outside (uploaded or stored diagrams and decision
tables): one parser for the engine, the deploy gate and the drawings.

A document type declaration is refused before any parser sees the text: it is where
entity expansion ("billion laughs") and external entities (reading server files, fetching
URLs) live, and no BPMN or DMN file needs one. The parser itself resolves no entity,
loads no DTD, fetches nothing and refuses huge trees, should the check ever be passed by."""
from lxml import etree

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class UnsafeXml(ValueError):
    """The text is refused: it declares a document type or an entity."""


class MalformedXml(ValueError):
    """The text is not well-formed XML; the message is the parser's."""


def declares_doctype(text: str) -> bool:
    upper = text.upper()
    return "<!DOCTYPE" in upper or "<!ENTITY" in upper


def parse_untrusted_xml(text: str) -> etree._Element:
    """The root element of `text`; raises UnsafeXml or MalformedXml.

    Comments and processing instructions stay in the tree (their `tag` is not a str):
    callers walking `iter()` skip them."""
    if declares_doctype(text):
        raise UnsafeXml("a document type or entity declaration is refused")
    try:
        return etree.fromstring(text.encode("utf-8"), parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise MalformedXml(str(exc)) from exc
