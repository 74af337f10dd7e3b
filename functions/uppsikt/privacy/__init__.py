"""Personal-data minimisation: pseudonyms for authors, masks for anything shown or sent."""
