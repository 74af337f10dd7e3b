"""Meta: Facebook Pages (`object: page`) and Instagram (`object: instagram`) webhooks."""
