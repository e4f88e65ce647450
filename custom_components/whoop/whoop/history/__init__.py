"""A WHOOP member's history: long-term statistics, the calendar's records and the history action.

importer.py pages back through the member's records in the background, paced (pacing.py) and
resumable (its cursor is stored); statistics.py turns the records into the sensors' hourly
statistics; records.py is the bounded index the calendar reads; action.py answers
``whoop.get_history``.
"""
