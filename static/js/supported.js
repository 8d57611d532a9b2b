// Lets nhsuk-frontend's CSS know its JavaScript will run (the design system's own convention).
document.body.className += " nhsuk-frontend-supported";
