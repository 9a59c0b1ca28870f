"""The area tree (province → districts → communes) and the units that belong to areas."""
