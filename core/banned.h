/* Functions we never call (git's banned.h): unbounded copies, hidden static state, silent
 * failure. Included last by core/rm.h so system headers are already declared. */
#ifndef RM_BANNED_H
#define RM_BANNED_H

#define RM_BANNED(func) sorry_##func##_is_banned_in_revmine

#undef strcpy
#define strcpy(x, y) RM_BANNED(strcpy)
#undef strcat
#define strcat(x, y) RM_BANNED(strcat)
#undef sprintf
#define sprintf(...) RM_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) RM_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) RM_BANNED(strtok)
#undef atoi
#define atoi(x) RM_BANNED(atoi)
#undef gmtime
#define gmtime(x) RM_BANNED(gmtime)
#undef localtime
#define localtime(x) RM_BANNED(localtime)
#undef asctime
#define asctime(x) RM_BANNED(asctime)
#undef ctime
#define ctime(x) RM_BANNED(ctime)

#endif
