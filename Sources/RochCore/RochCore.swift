/// Pure domain of the Roch Events platform: money, booking lifecycle, payment plans, vendor graph, notification moments. No IO.
public enum RochCore {}
