;; The mesos allocator's passes over thousands of nodes (filters.ts, settle.ts, round.ts, allocator.ts), on
;; arrays that live in this memory (node-arena.ts):
;;
;; - `set`, RefuseFilters.set's loop: framework f declined amounts[3i..3i+2] of nodes[i]; its filter on the
;;   node holds until `until`, in revive epoch `epoch`, with what was declined.
;; - `round`, an offer round's loop over the nodes no framework hoards on where offerSolo's case does not
;;   hold: each node to the framework first in DRF order that has not filtered it.
;; - `unpark`, Allocator.unpark's loop over the parked list: nodes some widened framework may be offered
;;   become candidates again.
;; - `settle`, settleAll's loop over the nodes no framework hoards on: for v from `start` on, node =
;;   nodes[v]; a node with a hoard mark stops the loop, for the caller (v is returned). Else, as settleAll
;;   does: with `onlyHoards` (a filter ended, and no framework wants any node) an up node is passed over;
;;   the node's Parked bit (2) is cleared; a candidate (bit 1) stays one; a node whose free resources reach
;;   no threshold of the minimum offer is left out; a node some framework may be offered (one that wants
;;   any node: `anyNode`, and has not filtered it: `open`, one of them set no filter since it revived, or
;;   the filters listed in `table` hold it back not) becomes a candidate (bit 1, appended to the candidate
;;   list); any other is parked (bits 2 and 4; appended to the parked list unless bit 4 said it is there).
;;   A filter holds a node back while set until after `now`, in the framework's epoch, and the node's free
;;   resources are contained in what was declined (filters.ts holdsBack).
;;
;; Build: `npm run build:wasm` compiles this file (wabt) into filter-kernel.wasm.ts; a test holds the
;; committed bytes to this text.
(module
  (import "env" "memory" (memory 1))

  ;; In and out: the lengths of the candidate list (at settle's $candidates) and of the parked list.
  (global $candidateCount (export "candidateCount") (mut i32) (i32.const 0))
  (global $parkedCount (export "parkedCount") (mut i32) (i32.const 0))

  ;; Byte offsets of the arrays read and written, and the minimum offer's thresholds, set once.
  (global $freeCpu (mut i32) (i32.const 0))
  (global $freeMemory (mut i32) (i32.const 0))
  (global $freeGpu (mut i32) (i32.const 0))
  (global $flags (mut i32) (i32.const 0))
  (global $marks (mut i32) (i32.const 0))
  (global $up (mut i32) (i32.const 0))
  (global $parked (mut i32) (i32.const 0))
  (global $minCpu (mut f64) (f64.const 0))
  (global $minMemory (mut f64) (f64.const 0))
  (global $minGpu (mut f64) (f64.const 0))
  ;; The cluster's total cpu, memory and gpu (DRF's shares are of these).
  (global $totalCpu (mut f64) (f64.const 0))
  (global $totalMemory (mut f64) (f64.const 0))
  (global $totalGpu (mut f64) (f64.const 0))

  (func (export "setup")
    (param $freeCpu i32) (param $freeMemory i32) (param $freeGpu i32) (param $flags i32) (param $marks i32) (param $up i32) (param $parked i32)
    (param $minCpu f64) (param $minMemory f64) (param $minGpu f64)
    (param $totalCpu f64) (param $totalMemory f64) (param $totalGpu f64)
    (global.set $totalCpu (local.get $totalCpu))
    (global.set $totalMemory (local.get $totalMemory))
    (global.set $totalGpu (local.get $totalGpu))
    (global.set $freeCpu (local.get $freeCpu))
    (global.set $freeMemory (local.get $freeMemory))
    (global.set $freeGpu (local.get $freeGpu))
    (global.set $flags (local.get $flags))
    (global.set $marks (local.get $marks))
    (global.set $up (local.get $up))
    (global.set $parked (local.get $parked))
    (global.set $minCpu (local.get $minCpu))
    (global.set $minMemory (local.get $minMemory))
    (global.set $minGpu (local.get $minGpu)))

  ;; One framework's filters ($until: f64 per node; $epochs: i32 per node; $refused: 3 f64 per node) on
  ;; nodes[i] (i32 at $nodes) for i < $count, declining amounts[3i..3i+2] (f64 at $amounts).
  (func (export "set") (param $nodes i32) (param $amounts i32) (param $count i32)
    (param $untilAt i32) (param $epochs i32) (param $refused i32) (param $until f64) (param $epoch i32)
    (local $i i32) (local $node i32) (local $from i32) (local $to i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $node (i32.load (i32.add (local.get $nodes) (i32.shl (local.get $i) (i32.const 2)))))
        (f64.store (i32.add (local.get $untilAt) (i32.shl (local.get $node) (i32.const 3))) (local.get $until))
        (i32.store (i32.add (local.get $epochs) (i32.shl (local.get $node) (i32.const 2))) (local.get $epoch))
        (local.set $from (i32.add (local.get $amounts) (i32.mul (local.get $i) (i32.const 24))))
        (local.set $to (i32.add (local.get $refused) (i32.mul (local.get $node) (i32.const 24))))
        (f64.store (local.get $to) (f64.load (local.get $from)))
        (f64.store offset=8 (local.get $to) (f64.load offset=8 (local.get $from)))
        (f64.store offset=16 (local.get $to) (f64.load offset=16 (local.get $from)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  ;; settleAll's loop over nodes[v] (i32 at $nodes) for v from $start while v < $count; $candidates: the
  ;; candidate list's items; $table: $frameworks entries of 4 i32 (until, epochs and refused offsets, and
  ;; the epoch) for the filters to ask. Returns where it stopped: $count, or a node with a hoard mark.
  (func (export "settle") (param $nodes i32) (param $start i32) (param $count i32) (param $candidates i32)
    (param $table i32) (param $frameworks i32) (param $now f64) (param $anyNode i32) (param $onlyHoards i32) (param $open i32)
    (result i32)
    (local $v i32) (local $node i32) (local $at8 i32) (local $flag i32) (local $f i32) (local $wanted i32)
    (local $cpu f64) (local $memory f64) (local $gpu f64)
    (local $candidateCount i32) (local $parkedCount i32)
    (local.set $candidateCount (global.get $candidateCount))
    (local.set $parkedCount (global.get $parkedCount))
    (local.set $v (local.get $start))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $v) (local.get $count)))
        (local.set $node (i32.load (i32.add (local.get $nodes) (i32.shl (local.get $v) (i32.const 2)))))
        (br_if $done (i32.eq (i32.load8_u (i32.add (global.get $marks) (local.get $node))) (i32.const 1)))
        (block $skip
          (br_if $skip (i32.and (local.get $onlyHoards) (i32.eq (i32.load8_u (i32.add (global.get $up) (local.get $node))) (i32.const 1))))
          (local.set $flag (i32.add (global.get $flags) (local.get $node)))
          (local.set $f (i32.and (i32.load8_u (local.get $flag)) (i32.const -3)))
          (i32.store8 (local.get $flag) (local.get $f))
          (br_if $skip (i32.and (local.get $f) (i32.const 1)))
          (local.set $at8 (i32.shl (local.get $node) (i32.const 3)))
          (local.set $cpu (f64.load (i32.add (global.get $freeCpu) (local.get $at8))))
          (local.set $memory (f64.load (i32.add (global.get $freeMemory) (local.get $at8))))
          (local.set $gpu (f64.load (i32.add (global.get $freeGpu) (local.get $at8))))
          (br_if $skip (i32.eqz (i32.or
            (i32.or (f64.ge (local.get $cpu) (global.get $minCpu)) (f64.ge (local.get $memory) (global.get $minMemory)))
            (f64.ge (local.get $gpu) (global.get $minGpu)))))
          (local.set $wanted (i32.and (local.get $anyNode) (local.get $open)))
          (if (i32.and (local.get $anyNode) (i32.eqz (local.get $open)))
            (then (local.set $wanted (call $unfiltered (local.get $table) (local.get $frameworks) (local.get $node) (local.get $cpu) (local.get $memory) (local.get $gpu) (local.get $now)))))
          (if (local.get $wanted)
            (then
              (i32.store8 (local.get $flag) (i32.or (local.get $f) (i32.const 1)))
              (i32.store (i32.add (local.get $candidates) (i32.shl (local.get $candidateCount) (i32.const 2))) (local.get $node))
              (local.set $candidateCount (i32.add (local.get $candidateCount) (i32.const 1))))
            (else
              (i32.store8 (local.get $flag) (i32.or (local.get $f) (i32.const 6)))
              (if (i32.eqz (i32.and (local.get $f) (i32.const 4)))
                (then
                  (i32.store (i32.add (global.get $parked) (i32.shl (local.get $parkedCount) (i32.const 2))) (local.get $node))
                  (local.set $parkedCount (i32.add (local.get $parkedCount) (i32.const 1))))))))
        (local.set $v (i32.add (local.get $v) (i32.const 1)))
        (br $next)))
    (global.set $candidateCount (local.get $candidateCount))
    (global.set $parkedCount (local.get $parkedCount))
    (local.get $v))

  ;; Whether the filter at $entry (i32 offsets of its until, epochs and refused arrays, then its epoch)
  ;; holds back $node, whose free resources are ($cpu, $memory, $gpu): set until after $now, in the
  ;; framework's epoch, and the node's free resources contained in what was declined (filters.ts holdsBack:
  ;; not ended by $now, as it asks, so that an until of NaN holds back as it does there).
  (func $holds (param $entry i32) (param $node i32) (param $cpu f64) (param $memory f64) (param $gpu f64) (param $now f64)
    (result i32)
    (local $refused i32)
    (local.set $refused (i32.add (i32.load offset=8 (local.get $entry)) (i32.mul (local.get $node) (i32.const 24))))
    (i32.and
      (i32.and
        (i32.eqz (f64.le (f64.load (i32.add (i32.load (local.get $entry)) (i32.shl (local.get $node) (i32.const 3)))) (local.get $now)))
        (i32.eq (i32.load (i32.add (i32.load offset=4 (local.get $entry)) (i32.shl (local.get $node) (i32.const 2)))) (i32.load offset=12 (local.get $entry))))
      (i32.and
        (i32.and (f64.le (local.get $cpu) (f64.load (local.get $refused))) (f64.le (local.get $memory) (f64.load offset=8 (local.get $refused))))
        (f64.le (local.get $gpu) (f64.load offset=16 (local.get $refused))))))

  ;; Whether some filter of the $frameworks in $table (16 bytes each, as $holds reads them) does not hold
  ;; back $node.
  (func $unfiltered (param $table i32) (param $frameworks i32) (param $node i32) (param $cpu f64) (param $memory f64) (param $gpu f64) (param $now f64)
    (result i32)
    (local $t i32)
    (block $asked
      (loop $ask
        (br_if $asked (i32.ge_u (local.get $t) (local.get $frameworks)))
        (if (i32.eqz (call $holds (i32.add (local.get $table) (i32.shl (local.get $t) (i32.const 4))) (local.get $node) (local.get $cpu) (local.get $memory) (local.get $gpu) (local.get $now)))
          (then (return (i32.const 1))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $ask)))
    (i32.const 0))

  ;; Allocator.unpark's loop over the parked list (its items, $count of them): a node no longer parked
  ;; (bit 2 clear) leaves the list (bit 4 cleared); a parked node that some widened framework may be
  ;; offered (`open`: one of them set no filter since it revived; else one of the $frameworks filters in
  ;; $table does not hold it back) becomes a candidate (bits 2 and 4 cleared, bit 1 set; appended to the
  ;; candidate list at $candidates); the others stay, moved to the front of the list in order. Returns how
  ;; many stay.
  (func (export "unpark") (param $count i32) (param $candidates i32) (param $table i32) (param $frameworks i32) (param $now f64) (param $open i32)
    (result i32)
    (local $i i32) (local $kept i32) (local $node i32) (local $at8 i32) (local $flag i32) (local $f i32) (local $offer i32)
    (local $parked i32) (local $candidateCount i32)
    (local.set $parked (global.get $parked))
    (local.set $candidateCount (global.get $candidateCount))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $node (i32.load (i32.add (local.get $parked) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $flag (i32.add (global.get $flags) (local.get $node)))
        (local.set $f (i32.load8_u (local.get $flag)))
        (if (i32.eqz (i32.and (local.get $f) (i32.const 2)))
          (then (i32.store8 (local.get $flag) (i32.and (local.get $f) (i32.const -5))))
          (else
            (local.set $offer (local.get $open))
            (if (i32.eqz (local.get $offer))
              (then
                (local.set $at8 (i32.shl (local.get $node) (i32.const 3)))
                (local.set $offer (call $unfiltered (local.get $table) (local.get $frameworks) (local.get $node)
                  (f64.load (i32.add (global.get $freeCpu) (local.get $at8)))
                  (f64.load (i32.add (global.get $freeMemory) (local.get $at8)))
                  (f64.load (i32.add (global.get $freeGpu) (local.get $at8)))
                  (local.get $now)))))
            (if (local.get $offer)
              (then
                (i32.store8 (local.get $flag) (i32.or (i32.and (local.get $f) (i32.const -7)) (i32.const 1)))
                (i32.store (i32.add (local.get $candidates) (i32.shl (local.get $candidateCount) (i32.const 2))) (local.get $node))
                (local.set $candidateCount (i32.add (local.get $candidateCount) (i32.const 1))))
              (else
                (i32.store (i32.add (local.get $parked) (i32.shl (local.get $kept) (i32.const 2))) (local.get $node))
                (local.set $kept (i32.add (local.get $kept) (i32.const 1)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (global.set $candidateCount (local.get $candidateCount))
    (local.get $kept))

  ;; An offer round's loop over the visited nodes that no framework hoards on, when offerSolo's case does
  ;; not hold (Allocator.offerRound; choice.ts DrfRound.choose and compare): for v from $start on,
  ;; node = nodes[v] (i32 at $nodes) stops being a candidate (bit 1 cleared); a node reaching no threshold
  ;; of the minimum offer is passed over; a node with a hoard mark stops the loop, for the caller (v is
  ;; returned). Any other node goes, whole, to the framework first in DRF order among the $frameworks in
  ;; $table (32 bytes each, in id order, the frameworks that want any node: $holds' four i32, then the
  ;; framework's id, whether it set a filter since it revived, and its batch's node and amount offsets)
  ;; that has not filtered it: the smallest dominant share of its allocation (3 f64 per framework at
  ;; $allocated), then the fewest offers ($offers, f64 per framework), then the first in the table. Its
  ;; batch gets the node at $sizes[f] (u32 per framework), and its count and allocation grow before the
  ;; next node (DrfRound.offered). A node no framework may be offered is parked unless it is. The nodes
  ;; are not allocated here.
  (func (export "round") (param $nodes i32) (param $start i32) (param $count i32) (param $table i32) (param $frameworks i32) (param $now f64)
    (param $sizes i32) (param $allocated i32) (param $offers i32)
    (result i32)
    (local $v i32) (local $node i32) (local $at8 i32) (local $flag i32) (local $f i32)
    (local $t i32) (local $entry i32) (local $best i32) (local $haveShare i32) (local $fw i32) (local $k i32) (local $to i32) (local $at i32)
    (local $share f64) (local $bestShare f64) (local $n f64) (local $bestCount f64)
    (local $cpu f64) (local $memory f64) (local $gpu f64)
    (local $parkedCount i32)
    (local.set $parkedCount (global.get $parkedCount))
    (local.set $v (local.get $start))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $v) (local.get $count)))
        (local.set $node (i32.load (i32.add (local.get $nodes) (i32.shl (local.get $v) (i32.const 2)))))
        (local.set $flag (i32.add (global.get $flags) (local.get $node)))
        (local.set $f (i32.and (i32.load8_u (local.get $flag)) (i32.const -2)))
        (i32.store8 (local.get $flag) (local.get $f))
        (local.set $at8 (i32.shl (local.get $node) (i32.const 3)))
        (local.set $cpu (f64.load (i32.add (global.get $freeCpu) (local.get $at8))))
        (local.set $memory (f64.load (i32.add (global.get $freeMemory) (local.get $at8))))
        (local.set $gpu (f64.load (i32.add (global.get $freeGpu) (local.get $at8))))
        (block $skip
          (br_if $skip (i32.eqz (i32.or
            (i32.or (f64.ge (local.get $cpu) (global.get $minCpu)) (f64.ge (local.get $memory) (global.get $minMemory)))
            (f64.ge (local.get $gpu) (global.get $minGpu)))))
          (br_if $done (i32.eq (i32.load8_u (i32.add (global.get $marks) (local.get $node))) (i32.const 1)))
          (local.set $best (i32.const -1))
          (local.set $haveShare (i32.const 0))
          (local.set $t (i32.const 0))
          (block $chosen
            (loop $each
              (br_if $chosen (i32.ge_u (local.get $t) (local.get $frameworks)))
              (local.set $entry (i32.add (local.get $table) (i32.shl (local.get $t) (i32.const 5))))
              (block $next_framework
                ;; Filtered: a live filter holds the node back.
                (if (i32.load offset=20 (local.get $entry))
                  (then (br_if $next_framework (call $holds (local.get $entry) (local.get $node) (local.get $cpu) (local.get $memory) (local.get $gpu) (local.get $now)))))
                (if (i32.lt_s (local.get $best) (i32.const 0))
                  (then (local.set $best (local.get $t)) (br $next_framework)))
                ;; A second framework competes: the shares, worked out now.
                (if (i32.eqz (local.get $haveShare))
                  (then
                    (local.set $fw (i32.load offset=16 (i32.add (local.get $table) (i32.shl (local.get $best) (i32.const 5)))))
                    (local.set $bestShare (call $share (local.get $allocated) (local.get $fw)))
                    (local.set $bestCount (f64.load (i32.add (local.get $offers) (i32.shl (local.get $fw) (i32.const 3)))))
                    (local.set $haveShare (i32.const 1))))
                (local.set $fw (i32.load offset=16 (local.get $entry)))
                (local.set $share (call $share (local.get $allocated) (local.get $fw)))
                (local.set $n (f64.load (i32.add (local.get $offers) (i32.shl (local.get $fw) (i32.const 3)))))
                (if (i32.or (f64.lt (local.get $share) (local.get $bestShare))
                      (i32.and (f64.eq (local.get $share) (local.get $bestShare)) (f64.lt (local.get $n) (local.get $bestCount))))
                  (then
                    (local.set $best (local.get $t))
                    (local.set $bestShare (local.get $share))
                    (local.set $bestCount (local.get $n)))))
              (local.set $t (i32.add (local.get $t) (i32.const 1)))
              (br $each)))
          (if (i32.lt_s (local.get $best) (i32.const 0))
            (then
              ;; No framework may be offered it: parked, unless it is.
              (if (i32.eqz (i32.and (local.get $f) (i32.const 2)))
                (then
                  (i32.store8 (local.get $flag) (i32.or (local.get $f) (i32.const 6)))
                  (if (i32.eqz (i32.and (local.get $f) (i32.const 4)))
                    (then
                      (i32.store (i32.add (global.get $parked) (i32.shl (local.get $parkedCount) (i32.const 2))) (local.get $node))
                      (local.set $parkedCount (i32.add (local.get $parkedCount) (i32.const 1))))))))
            (else
              (local.set $entry (i32.add (local.get $table) (i32.shl (local.get $best) (i32.const 5))))
              (local.set $fw (i32.load offset=16 (local.get $entry)))
              (local.set $at (i32.add (local.get $sizes) (i32.shl (local.get $fw) (i32.const 2))))
              (local.set $k (i32.load (local.get $at)))
              (i32.store (local.get $at) (i32.add (local.get $k) (i32.const 1)))
              (i32.store (i32.add (i32.load offset=24 (local.get $entry)) (i32.shl (local.get $k) (i32.const 2))) (local.get $node))
              (local.set $to (i32.add (i32.load offset=28 (local.get $entry)) (i32.mul (local.get $k) (i32.const 24))))
              (f64.store (local.get $to) (local.get $cpu))
              (f64.store offset=8 (local.get $to) (local.get $memory))
              (f64.store offset=16 (local.get $to) (local.get $gpu))
              (local.set $at (i32.add (local.get $offers) (i32.shl (local.get $fw) (i32.const 3))))
              (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (f64.const 1)))
              (local.set $at (i32.add (local.get $allocated) (i32.mul (local.get $fw) (i32.const 24))))
              (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (local.get $cpu)))
              (f64.store offset=8 (local.get $at) (f64.add (f64.load offset=8 (local.get $at)) (local.get $memory)))
              (f64.store offset=16 (local.get $at) (f64.add (f64.load offset=16 (local.get $at)) (local.get $gpu))))))
        (local.set $v (i32.add (local.get $v) (i32.const 1)))
        (br $next)))
    (global.set $parkedCount (local.get $parkedCount))
    (local.get $v))

  ;; Framework $fw's dominant share of its allocation (3 f64 at $allocated + 24 $fw): the largest of its
  ;; cpu, memory and gpu over the cluster's totals that are above 0, and 0 if none (resources.ts
  ;; dominantShareOf, with Math.max's NaN and signed zeros).
  (func $share (param $allocated i32) (param $fw i32) (result f64)
    (local $a i32) (local $share f64)
    (local.set $a (i32.add (local.get $allocated) (i32.mul (local.get $fw) (i32.const 24))))
    (if (f64.gt (global.get $totalCpu) (f64.const 0))
      (then (local.set $share (f64.max (local.get $share) (f64.div (f64.load (local.get $a)) (global.get $totalCpu))))))
    (if (f64.gt (global.get $totalMemory) (f64.const 0))
      (then (local.set $share (f64.max (local.get $share) (f64.div (f64.load offset=8 (local.get $a)) (global.get $totalMemory))))))
    (if (f64.gt (global.get $totalGpu) (f64.const 0))
      (then (local.set $share (f64.max (local.get $share) (f64.div (f64.load offset=16 (local.get $a)) (global.get $totalGpu))))))
    (local.get $share))
)
