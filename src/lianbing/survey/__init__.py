"""Demand survey (人才缺口调研): rounds, host units' demands, talent-gap analysis."""
