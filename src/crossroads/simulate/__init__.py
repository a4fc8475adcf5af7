"""Simulation: each option's roles, money and skills walked year by year, one draw per row."""
