"""File formats and descriptors, each written from the table specs (``_schema``).

One module per format: Arrow and Parquet, CSV, the one-document JSON, and the
Frictionless ``datapackage.json``. Each writes bytes and reads them back;
none knows about release folders, checksums or downloads.
"""
