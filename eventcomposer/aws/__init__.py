"""The one layer that talks to EventBridge (boto3). Import submodules lazily: boto3 is slow to
import and the TUI's first screen must not wait for it."""
