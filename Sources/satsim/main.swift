print("satsim")
