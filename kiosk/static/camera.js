/* The kiosk's camera as a QR reader, for a kiosk with a camera and no 2D scanner. Off unless
   the kiosk's URL says ?camera=1 (the page then loads the jsQR reader from static/vendor/), and
   only where the browser offers a camera (navigator.mediaDevices: HTTPS or localhost). Frames
   are read in memory, a few a second, and never leave the kiosk. */

const FRAME_MS = 300;
const SAME_CODE_MS = 5000; // a card held in front of the camera is read once, not every frame

export function watchCamera(video, onCode) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.jsQR) return;
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  let lastCode = "";
  let lastAt = 0;

  function readFrame() {
    if (video.readyState >= video.HAVE_ENOUGH_DATA && video.videoWidth) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      const now = Date.now();
      if (code && code.data && (code.data !== lastCode || now - lastAt > SAME_CODE_MS)) {
        lastCode = code.data;
        lastAt = now;
        onCode(code.data);
      }
    }
    setTimeout(readFrame, FRAME_MS);
  }

  navigator.mediaDevices
    .getUserMedia({ video: { facingMode: "user" }, audio: false })
    .then((stream) => {
      video.srcObject = stream;
      video.hidden = false;
      return video.play();
    })
    .then(readFrame)
    .catch(() => {
      video.hidden = true; // no camera, or refused: the scanner and the buttons remain
    });
}
