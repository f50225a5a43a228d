package co.mumo.okra.failure;

/**
 * An exception whose message already says which server or service failed and how (a workload
 * cluster that could not be listed, a write another writer beat): reported as it is, exit 1.
 */
public interface ServiceFailure {}
