"""The audit log: who changed what in an event, when, and what it was before and after."""
