// The hints are inline functions of the header; this file only gives the target a source.
#include "CMemoryHints.h"
