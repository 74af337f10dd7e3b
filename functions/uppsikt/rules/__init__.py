"""Rule kinds: each module registers one kind with its parameter model (see `registry`)."""
