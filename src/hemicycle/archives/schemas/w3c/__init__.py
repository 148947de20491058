"""W3C schemas imported by SEDA 2.3 (xml.xsd, xlink.xsd), local copies."""
