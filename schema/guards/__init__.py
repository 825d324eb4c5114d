"""What guards an operation's execution, each a Strawberry schema extension or a
validation rule: limits on the document (depth, aliases, expanded size), checked input,
its estimated cost and the sender's budget per minute, a time limit, the answer kept
with a slot list, masking of unexpected faults, suggestions off in production, and the
API clients' call log. A new guard goes here and is added to `schema/build.py`'s list of
extensions."""
