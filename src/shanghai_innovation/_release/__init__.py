"""The open-data release: export, read back and verify, fetch, unpack, diff.

A release is a folder of files written by :mod:`.export` from the formats in
``_formats``; :mod:`.reader` reads one back, trusting nothing in it.
"""
