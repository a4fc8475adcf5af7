"""Pure decision analyses over simulated draws: summary, VoI, SMAA, sensitivity, risk, prices."""
