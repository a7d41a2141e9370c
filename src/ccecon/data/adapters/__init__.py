"""Adapters: each turns a vendor export into records of the ``interactions`` schema.

An adapter yields ``(row_number, record_or_None, reason, raw)``: a record ready for
validation, or None with the reason the source row could not be read (it is quarantined).
"""
