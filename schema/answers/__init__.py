"""The clinic's answers: pending requests, patient matches, accept, reject, staff panel."""
