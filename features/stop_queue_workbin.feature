@stop-queue-workbin
Feature: StopProcessing, PlaceInQueue, PlaceInWorkbin and GetWorkbinContent
  The owner ends its work on an interaction: it completes it
  (StopProcessing), places it in a queue for someone else (PlaceInQueue,
  routed without the caller first), or stores it in a workbin
  (PlaceInWorkbin). GetWorkbinContent answers on /v2/me/interactions with
  one message per interaction in the workbin (notificationType
  WorkbinContent, state InWorkbin, the request's referenceId), and with
  nothing for an empty workbin. After an ending message the interaction is
  gone from the agent's list.

  Background:
    Given alice, bob, carol and dave are Ready on email
    And alice, bob, carol and dave are listening
    And an email is routed to alice

  @B3.6 @B4.2 @B4.3 @B4.6
  Scenario: The owner completes the interaction
    Given alice accepts it
    And alice is notified that it is Processing
    When alice stops processing it
    Then alice receives on /v2/me/interactions:
      """
      {"notificationType": "StatusChange", "id": "{{it}}", "state": "Completed", "capabilities": [], "referenceId": "{{alice.referenceId}}"}
      """
    And no one else is notified
    And alice no longer has it among her interactions
    And admin sees it as Completed

  @B4.6
  Scenario: Another agent cannot complete the owner's interaction
    Given alice accepts it
    And alice is notified that it is Processing
    When bob tries to stop processing it
    Then the request is refused with status 403
    And no one else is notified
    And alice sees it as Processing

  @B4.6
  Scenario: An invited agent who has not accepted cannot complete the interaction
    When alice tries to stop processing it
    Then the request is refused with status 403
    And no one else is notified
    And alice sees it as Invited

  Scenario: Completing an interaction that does not exist
    When alice sends POST /api/v2/me/interactions/0000000000000000 with:
      """
      {"operationName": "StopProcessing"}
      """
    Then the request is refused with status 404

  @B4.2 @B4.3 @B4.7 @B5.4
  Scenario: The owner places the interaction in a queue, and another agent is offered it
    Given alice accepts it
    And alice is notified that it is Processing
    When alice places it in queue email-inbound
    Then alice is notified that it is Queued
    And one of bob, carol and dave is offered it, without a referenceId
    And no one else is notified
    And alice no longer has it among her interactions
    And admin sees it as Invited with capabilities none

  @B4.7
  Scenario: PlaceInQueue without a queue is refused
    Given alice accepts it
    And alice is notified that it is Processing
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "PlaceInQueue"}
      """
    Then the request is refused with status 400, naming "queue"
    And no one else is notified
    And alice sees it as Processing

  @B4.7
  Scenario: PlaceInQueue with an unknown queue is refused
    Given alice accepts it
    And alice is notified that it is Processing
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "PlaceInQueue", "queue": "no-such-queue"}
      """
    Then the request is refused with status 400, naming "queue"
    And no one else is notified
    And alice sees it as Processing

  @B1.4 @B4.7
  Scenario: PlaceInQueue with a queue of another channel is refused
    Given alice accepts it
    And alice is notified that it is Processing
    When alice tries to place it in queue chat-inbound
    Then the request is refused with status 400, naming "queue"
    And no one else is notified

  @B4.7
  Scenario: PlaceInQueue with a wrongly typed queue is refused
    Given alice accepts it
    And alice is notified that it is Processing
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "PlaceInQueue", "queue": 7}
      """
    Then the request is refused with status 400
    And no one else is notified

  @B4.7
  Scenario: Only the owner may place the interaction in a queue
    Given alice accepts it
    And alice is notified that it is Processing
    When bob tries to place it in queue email-inbound
    Then the request is refused with status 403
    And no one else is notified

  @B3.2 @B4.2 @B4.3 @B4.9
  Scenario: The owner stores the interaction in its workbin
    Given alice accepts it
    And alice is notified that it is Processing
    When alice places it in workbin alice-workbin
    Then alice receives on /v2/me/interactions:
      """
      {"notificationType": "StatusChange", "id": "{{it}}", "state": "InWorkbin", "capabilities": []}
      """
    And no one else is notified
    And alice no longer has it among her interactions
    When admin sends GET /api/v2/interactions/{{it}}
    Then the response status is 200
    And the response matches:
      """
      {"statusCode": 0, "interaction": {"id": "{{it}}", "state": "InWorkbin", "capabilities": [], "workbin": "{{workbins.alice-workbin.id}}"}}
      """

  @B3.5 @B3.6 @B4.10
  Scenario: The workbin's content arrives as one WorkbinContent message per interaction
    Given alice accepts it
    And alice is notified that it is Processing
    And alice places it in workbin alice-workbin
    And alice is notified that it is InWorkbin
    When alice asks for the content of workbin alice-workbin
    Then alice receives on /v2/me/interactions:
      """
      {
        "messageTypeName": "InteractionStateMessage",
        "notificationType": "WorkbinContent",
        "id": "{{it}}",
        "channel": "email",
        "state": "InWorkbin",
        "capabilities": [],
        "workbin": "{{workbins.alice-workbin.id}}",
        "email_object": {"interactionId": "{{it}}", "subject": "Order 1042 arrived damaged"},
        "referenceId": "{{alice.referenceId}}",
        "interactions": "{{absent}}",
        "uri": "{{it.uri}}"
      }
      """
    And no one else is notified

  @mock @B4.10
  Scenario: A workbin's interactions arrive in the order they were received
    Given alice accepts it
    And alice is notified that it is Processing
    And alice places it in workbin team-workbin
    And alice is notified that it is InWorkbin
    And the variable first is "{{it}}"
    And an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing
    And alice places it in workbin team-workbin
    And alice is notified that it is InWorkbin
    When dave asks for the content of workbin team-workbin
    Then dave receives on /v2/me/interactions:
      """
      {"notificationType": "WorkbinContent", "id": "{{first}}", "state": "InWorkbin", "capabilities": [], "workbin": "{{workbins.team-workbin.id}}"}
      """
    And dave's notification carries the referenceId of his last request
    And dave receives on /v2/me/interactions:
      """
      {"notificationType": "WorkbinContent", "id": "{{it}}", "state": "InWorkbin", "capabilities": [], "workbin": "{{workbins.team-workbin.id}}"}
      """
    And dave's notification carries the referenceId of his last request
    And no one else is notified
    # a @mock scenario is not cleaned up after: take both out of the shared workbin
    When control sends POST /control/v1/interactions/{{first}}/stop
    Then the response status is 200
    When control sends POST /control/v1/interactions/{{it}}/stop
    Then the response status is 200
    And no one else is notified
    # Received at the same instant, interactions come by id; one received
    # later comes after them, whatever its id. The ids are listed in
    # neither order.
    When control sends PUT /control/v1/state with:
      """
      {"version": 1,
       "queues": [{"id": "97470f43-d112-508a-8771-da0bd936a322", "name": "{{queues.email-inbound}}", "channel": "email"}],
       "users": [{"id": "{{dave.id}}", "userName": "{{dave.userName}}", "password": "{{dave.password}}", "roles": ["agent"], "channels": ["email"], "queues": ["{{queues.email-inbound}}"]}],
       "workbins": [{"id": "{{workbins.team-workbin.id}}", "name": "{{workbins.team-workbin}}", "type": "Shared", "members": ["{{dave.id}}"]}],
       "interactions": [
         {"id": "000000000000000B", "channel": "email", "state": "InWorkbin", "queue": "{{queues.email-inbound}}", "workbin": "{{workbins.team-workbin.id}}", "receivedDate": "2026-11-23T10:00:00Z"},
         {"id": "000000000000000C", "channel": "email", "state": "InWorkbin", "queue": "{{queues.email-inbound}}", "workbin": "{{workbins.team-workbin.id}}", "receivedDate": "2026-11-23T10:00:00Z"},
         {"id": "000000000000000A", "channel": "email", "state": "InWorkbin", "queue": "{{queues.email-inbound}}", "workbin": "{{workbins.team-workbin.id}}", "receivedDate": "2026-11-23T10:00:01Z"},
         {"id": "000000000000000D", "channel": "email", "state": "InWorkbin", "queue": "{{queues.email-inbound}}", "workbin": "{{workbins.team-workbin.id}}", "receivedDate": "2026-11-23T10:00:00Z"}]}
      """
    Then the response status is 200
    When dave asks for the content of workbin team-workbin
    Then dave receives on /v2/me/interactions:
      """
      {"notificationType": "WorkbinContent", "id": "000000000000000B", "state": "InWorkbin"}
      """
    And dave receives on /v2/me/interactions:
      """
      {"notificationType": "WorkbinContent", "id": "000000000000000C", "state": "InWorkbin"}
      """
    And dave receives on /v2/me/interactions:
      """
      {"notificationType": "WorkbinContent", "id": "000000000000000D", "state": "InWorkbin"}
      """
    And dave receives on /v2/me/interactions:
      """
      {"notificationType": "WorkbinContent", "id": "000000000000000A", "state": "InWorkbin"}
      """
    And no one else is notified

  @B4.10
  Scenario: An empty workbin sends no message
    When bob asks for the content of workbin bob-workbin
    Then bob is notified that workbin bob-workbin holds nothing
    And no one else is notified

  @B1.5 @B4.9 @B4.10
  Scenario: A workbin is named by its id as well as its name
    Given alice accepts it
    And alice is notified that it is Processing
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "PlaceInWorkbin", "workbin": "{{workbins.team-workbin.id}}"}
      """
    Then the request succeeds
    And alice is notified that it is InWorkbin
    When bob sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "GetWorkbinContent", "workbin": "{{workbins.team-workbin.id}}"}
      """
    Then the request succeeds
    And bob is notified that workbin team-workbin holds it
    And no one else is notified

  @B1.5 @B4.10
  Scenario: A member of a shared workbin sees its content
    Given alice accepts it
    And alice is notified that it is Processing
    And alice places it in workbin team-workbin
    And alice is notified that it is InWorkbin
    When dave asks for the content of workbin team-workbin
    Then dave is notified that workbin team-workbin holds it
    And no one else is notified

  @B1.5 @B4.10
  Scenario: An agent may not see another agent's private workbin
    When bob tries to ask for the content of workbin alice-workbin
    Then the request is refused with status 403
    And no one else is notified

  @B1.5 @B4.9
  Scenario: An agent may not store an interaction in another agent's private workbin
    Given alice accepts it
    And alice is notified that it is Processing
    When alice tries to place it in workbin bob-workbin
    Then the request is refused with status 403
    And no one else is notified
    And alice sees it as Processing

  @B4.9
  Scenario: PlaceInWorkbin with an unknown or missing workbin is refused
    Given alice accepts it
    And alice is notified that it is Processing
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "PlaceInWorkbin", "workbin": "no-such-workbin"}
      """
    Then the request is refused with status 400, naming "workbin"
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "PlaceInWorkbin"}
      """
    Then the request is refused with status 400, naming "workbin"
    And no one else is notified
    And alice sees it as Processing

  @B4.10
  Scenario: GetWorkbinContent with an unknown or missing workbin is refused
    When alice sends POST /api/v2/me/interactions/0000000000000000 with:
      """
      {"operationName": "GetWorkbinContent", "workbin": "no-such-workbin"}
      """
    Then the request is refused with status 400, naming "workbin"
    When alice sends POST /api/v2/me/interactions/0000000000000000 with:
      """
      {"operationName": "GetWorkbinContent"}
      """
    Then the request is refused with status 400, naming "workbin"
    And no one else is notified

  @B4.9
  Scenario: Only the owner may store the interaction in a workbin
    Given alice accepts it
    And alice is notified that it is Processing
    When bob tries to place it in workbin team-workbin
    Then the request is refused with status 403
    And no one else is notified

  @B4.10
  Scenario: An interaction in a workbin is routed again by the control API
    Given alice accepts it
    And alice is notified that it is Processing
    And alice places it in workbin alice-workbin
    And alice is notified that it is InWorkbin
    When it is routed again to bob
    Then bob is notified that it is Invited
    And no one else is notified
    When alice asks for the content of workbin alice-workbin
    Then alice is notified that workbin alice-workbin holds nothing

  @B4.10 @B5.1
  Scenario: An interaction in a workbin routed again without an agent goes to an eligible agent of its queue
    Given alice accepts it
    And alice is notified that it is Processing
    And alice places it in workbin alice-workbin
    And alice is notified that it is InWorkbin
    When it is routed again
    Then one of alice, bob, carol and dave is offered it, without a referenceId
    And no one else is notified
    When alice asks for the content of workbin alice-workbin
    Then alice is notified that workbin alice-workbin holds nothing

  @B3.1 @B4.2 @B4.3 @B4.7 @B5.4
  Scenario: After PlaceInQueue, REST agrees with the caller's and the new invitee's notifications
    # bob is the one eligible agent: alice placed it, carol and dave become NotReady
    Given carol is made NotReady on email
    And carol is notified that she is NotReady on email
    And dave is made NotReady on email
    And dave is notified that he is NotReady on email
    And alice accepts it
    And alice is notified that it is Processing
    And alice's last notification matches:
      """
      {"receivedDate": "{{capture:received}}"}
      """
    When alice places it in queue email-inbound
    Then alice is notified that it is Queued
    # the Queued message shows the interaction after the change: bob is offered it
    And alice's last notification matches:
      """
      {"ownerId": "{{absent}}", "receivedDate": "{{received}}", "participants": [{"userId": "{{bob.id}}", "userName": "{{bob.userName}}", "role": "Invited"}]}
      """
    And alice's view of it agrees with her last notification
    And bob is notified that it is Invited
    And bob's last notification matches:
      """
      {"currentQueue": "{{queues.email-inbound}}", "receivedDate": "{{received}}"}
      """
    And bob's view of it agrees with his last notification
    And no one else is notified
    And alice sees it as Invited with capabilities none
    And alice no longer has it among her interactions

  @B3.1 @B4.3 @B4.9 @B4.10
  Scenario: An interaction in a workbin and taken out of it reads the same by REST as in the notifications
    Given alice accepts it
    And alice is notified that it is Processing
    When alice places it in workbin alice-workbin
    Then alice is notified that it is InWorkbin
    And alice's view of it agrees with her last notification
    And alice sees it as InWorkbin with capabilities none
    When alice asks for the content of workbin alice-workbin
    Then alice is notified that workbin alice-workbin holds it
    And alice's view of it agrees with her last notification
    And no one else is notified
    When it is routed again to bob
    Then bob is notified that it is Invited
    And bob's view of it agrees with his last notification
    # out of the workbin: neither REST nor the workbin's content may still show it there
    And the response matches:
      """
      {"interaction": {"state": "Invited", "workbin": "{{absent}}"}}
      """
    And no one else is notified
    When alice asks for the content of workbin alice-workbin
    Then alice is notified that workbin alice-workbin holds nothing
    And alice sees it as Invited with capabilities none

  @B3.1 @B4.2 @B4.3 @B4.6
  Scenario: After StopProcessing every former party reads it Completed, as she was told
    Given alice accepts it
    And alice is notified that it is Processing
    When alice stops processing it
    Then alice is notified that it is Completed
    And alice's view of it agrees with her last notification
    And no one else is notified
    And alice sees it as Completed with capabilities none
    And bob sees it as Completed with capabilities none
