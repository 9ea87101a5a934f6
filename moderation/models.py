# The moderation log is built here: guideline taxonomy, entries, evidence and offenders.
