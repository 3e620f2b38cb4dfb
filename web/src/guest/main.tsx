// Placeholder: replaced by the guest app.
import { render } from "preact";

render(<p>Guest app</p>, document.getElementById("app")!);
