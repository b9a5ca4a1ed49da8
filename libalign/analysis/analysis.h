/*
 * analysis.h - what the analyses share among themselves (analysis/); never
 * installed.  The public entry points (align_layout_compute, the counts,
 * the Go heap cost, align_infer_record_attrs) are in libalign.h.
 *
 * analysis/ is what libalign computes from a model's types: layouts and
 * their holes, the smallest order, the atomic check, attributes inferred
 * from offsets, instance counts and Go heap size classes.
 *
 * layout.c describes a record and calls the two steps below; they call
 * only the model (place.c), never back into layout.c.
 */
#ifndef LIBALIGN_ANALYSIS_H
#define LIBALIGN_ANALYSIS_H

#include "model/model.h"

/* Go on 386 and arm: fills l->atomic_unaligned with the int64 fields at any
 * depth whose absolute offset is not 8-aligned, and flags the members that
 * hold them (atomic.c).  given: nested records at their given offsets. */
int atomic_scan(align_graph *g, align_layout *l, bool given);

/* Fills l->optimal_* from the record and its current layout (optimize.c). */
int optimize_layout(align_graph *g, align_layout *l);

#endif
