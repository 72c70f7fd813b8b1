# SPDX-License-Identifier: GPL-3.0-or-later
"""PyGObject overrides for Hyperscope: help() shows the API's documentation.

A typelib carries no documentation, so PyGObject's docstrings are bare signatures. This
module reads Hyperscope-0.gir (the same text the docs page is made from) and gives each
class, method and function its documentation, with its parameters, return value,
signals and properties. Nothing else changes: every call goes straight to the library.
The .gir is looked for in $HYPERSCOPE_GIR_DIR, beside the typelib on the search path,
and in the usual share/gir-1.0 folders; without it, help() shows the signatures only.
"""
import os
import re
import xml.etree.ElementTree as ET

from ..module import get_introspection_module
from ..overrides import override

Hyperscope = get_introspection_module("Hyperscope")

__all__ = []

_CORE = "{http://www.gtk.org/introspection/core/1.0}"
_GLIB = "{http://www.gtk.org/introspection/glib/1.0}"


def _find_gir():
    import gi
    gi.require_version("GIRepository", "2.0")
    from gi.repository import GIRepository

    dirs = []
    if os.environ.get("HYPERSCOPE_GIR_DIR"):
        dirs.append(os.environ["HYPERSCOPE_GIR_DIR"])
    for d in GIRepository.Repository.get_search_path():
        dirs.append(d)                                               # a build tree
        dirs.append(os.path.join(d, "..", "..", "share", "gir-1.0"))  # lib/girepository-1.0
        dirs.append(os.path.join(d, "..", "..", "..", "share", "gir-1.0"))  # lib/<triplet>/...
    dirs += ["/usr/local/share/gir-1.0", "/usr/share/gir-1.0"]
    for d in dirs:
        path = os.path.join(d, "Hyperscope-0.gir")
        if os.path.exists(path):
            return path
    return None


def _text(element):
    """The <doc> of @element, with gi-docgen's links made plain ([method@Hyperscope.X.y])."""
    doc = element.find(_CORE + "doc") if element is not None else None
    if doc is None or not doc.text:
        return ""
    text = re.sub(r"\[(?:method|class|signal|property|enum|func|ctor|struct)@([^\]]+)\]",
                  r"\1", doc.text)
    return text.replace("%NULL", "None").replace("%TRUE", "True").replace("%FALSE", "False")


def _indent(text, prefix="    "):
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def _callable_doc(element):
    parts = [_text(element)]
    params = element.find(_CORE + "parameters")
    lines = []
    for p in params.findall(_CORE + "parameter") if params is not None else []:
        if p.get("name") in ("user_data",) or p.get("closure") is not None and p.get("name") == "user_data":
            continue
        t = _text(p)
        if t:
            lines.append(f"  {p.get('name')}: " + t.replace("\n", "\n    "))
    if lines:
        parts.append("Parameters:\n" + "\n".join(lines))
    ret = _text(element.find(_CORE + "return-value"))
    if ret:
        parts.append("Returns: " + ret.replace("\n", "\n  "))
    if element.get("throws") == "1":
        parts.append("Raises GLib.Error with the reason when it fails.")
    return "\n\n".join(p for p in parts if p)


def _wrap(fn, doc, kind):
    if kind == "constructor":
        def method(cls, *args, **kwargs):
            return fn(cls, *args, **kwargs)
    else:
        def method(*args, **kwargs):
            return fn(*args, **kwargs)
    method.__name__ = fn.__name__
    method.__qualname__ = fn.__name__
    method.__doc__ = f"{fn.__doc__}\n\n{doc}" if doc else fn.__doc__
    if kind == "constructor":
        return classmethod(method)
    return staticmethod(method) if kind == "function" else method


def _document_class(cls, element):
    """A subclass of @cls that only adds documentation, registered for its GType."""
    doc = [_text(element)]
    signals = []
    for s in element.findall(_GLIB + "signal"):
        params = s.find(_CORE + "parameters")
        names = [p.get("name") for p in params.findall(_CORE + "parameter")] if params is not None else []
        signals.append(f"  {s.get('name')}({', '.join(['self'] + names)})\n" + _indent(_callable_doc(s)))
    if signals:
        doc.append("Signals (connect with obj.connect(name, callback)):\n" + "\n".join(signals))
    props = [f"  {p.get('name')}: {_text(p)}" for p in element.findall(_CORE + "property") if _text(p)]
    if props:
        doc.append("Properties (obj.props.name):\n" + "\n".join(props))
    body = {"__doc__": "\n\n".join(d for d in doc if d), "__module__": __name__}
    for kind in ("method", "constructor", "function"):
        for m in element.findall(_CORE + kind):
            name = m.get("name")
            fn = cls.__dict__.get(name)
            if fn is None or not hasattr(fn, "is_method"):
                continue
            body[name] = _wrap(fn, _callable_doc(m), kind)
    documented = override(type(cls.__name__, (cls,), body))
    globals()[cls.__name__] = documented
    __all__.append(cls.__name__)


def _document():
    path = _find_gir()
    if path is None:
        return
    try:
        namespace = ET.parse(path).getroot().find(_CORE + "namespace")
    except (OSError, ET.ParseError):
        return
    for element in namespace.findall(_CORE + "class"):
        cls = getattr(Hyperscope, element.get("name"), None)
        if cls is not None:
            _document_class(cls, element)
    for element in namespace.findall(_CORE + "enumeration"):
        cls = getattr(Hyperscope, element.get("name"), None)
        if cls is not None and _text(element):
            try:
                cls.__doc__ = _text(element)
            except (AttributeError, TypeError):
                pass


_document()
