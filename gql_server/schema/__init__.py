"""The GraphQL contract, derived from the models' `Exposed` declarations."""
