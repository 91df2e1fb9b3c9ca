"""Finding the same organisations in other projects' data: normalising, matching, reading and writing links, OpenRefine reconciliation."""
