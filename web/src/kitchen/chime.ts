// A short chime for a new order, only where the browser allows sound: the audio context is made
// on a person's first click or key on the page (autoplay rules), and any failure stays silent.
let context: AudioContext | null = null;

/** Call from a user gesture: after it, chimes may play. */
export function unlockChime(): void {
  try {
    if (!context && typeof AudioContext !== "undefined") context = new AudioContext();
    if (context && context.state === "suspended") void context.resume().catch(() => undefined);
  } catch {
    context = null;
  }
}

export function playChime(): void {
  if (!context || context.state !== "running") return;
  try {
    const start = context.currentTime;
    const tone = context.createOscillator();
    const volume = context.createGain();
    tone.frequency.value = 880;
    volume.gain.setValueAtTime(0.0001, start);
    volume.gain.exponentialRampToValueAtTime(0.15, start + 0.02);
    volume.gain.exponentialRampToValueAtTime(0.0001, start + 0.35);
    tone.connect(volume).connect(context.destination);
    tone.start(start);
    tone.stop(start + 0.4);
  } catch {
    // No sound: the highlight and the announcement still tell the kitchen.
  }
}
