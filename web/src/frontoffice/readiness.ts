// When the front desk may give a room to an arriving guest: one rule for Today and Front desk.
import type { Room } from "../pages/Rooms";

/** Vacant, in order, and cleaned (Inspected, or Clean where the hotel does not inspect). */
export function isReadyForArrival(room: Room | undefined): boolean {
  return (
    !!room &&
    room.frontOfficeStatus === "Vacant" &&
    !room.outOfOrder &&
    (room.housekeepingStatus === "Inspected" || room.housekeepingStatus === "Clean")
  );
}
