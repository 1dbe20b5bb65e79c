"""File formats and descriptors, each written from the table specs (``_schema``).

One module per format: Arrow and Parquet, CSV, the one-document JSON, and the
Frictionless ``datapackage.json``. Each writes bytes and reads them back;
none knows about release folders, checksums or downloads.

The linked-data descriptors are written from the same specs and data, one
module each: ``croissant`` (Croissant 1.1), ``claimreview`` (the errata as
schema.org ClaimReviews), ``jsonld`` (the schema.org Dataset of the docs) and
``cff`` (``CITATION.cff``); ``metadata`` holds what they all state (name,
licence, creator, citation, the article as source) and ``descriptors`` the
list of those a release holds.
"""
