"""LinkedIn: Organization Social Action Notifications (Community Management API), platforms.md §4.

`challenge` answers the `challengeCode` validation GET, `signature` checks `X-LI-Signature` in
both constructions the documentation's wording allows, `urn` makes LinkedIn's inconsistently
written URNs comparable, and `normalise` maps a delivery's `notifications[]` to the event model.
"""
