"""Views of the organiser area: thin, each asking the rules in hallway.permissions first."""
