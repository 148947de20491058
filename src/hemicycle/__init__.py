"""Hémicycle: the system of record of a local assembly's acts."""
