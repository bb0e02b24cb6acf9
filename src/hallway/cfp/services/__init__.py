"""What happens in a call for papers, one module per step (see docs/architecture.md):

calls (deadlines, phase, settings) < mail < profiles, submitting < invitations, reviewing,
decisions, offers; outbox.  Callers import the step they use: ``from hallway.cfp.services
import submitting``.
"""
