"""The pilot workflow: expert groups, proposals, the consensus draft, item votes, pilots and data IP."""
