#include "core/rm.h"

const char *rm_err_str(rm_err err)
{
    switch (err) {
    case RM_OK: return "ok";
    case RM_EINVAL: return "invalid argument";
    case RM_EIO: return "i/o error";
    case RM_EPARSE: return "parse error";
    case RM_ETOOBIG: return "size limit reached";
    case RM_ENOTFOUND: return "not found";
    case RM_EEMPTY: return "nothing available";
    case RM_ECLOSED: return "closed";
    case RM_EDB: return "database error";
    case RM_ENET: return "network error";
    case RM_ECONFIG: return "invalid configuration";
    case RM_EDENIED: return "denied by policy";
    case RM_EUNSUPPORTED: return "unsupported";
    case RM_EBUSY: return "busy";
    }
    return "unknown error";
}
