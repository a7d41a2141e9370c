"""Finance: returns on cash flows (NPV, IRR, payback, ROI), CLV and the satisfaction model."""
