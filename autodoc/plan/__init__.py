"""Planning: the spec becomes sections, each section gets its typed blocks."""
